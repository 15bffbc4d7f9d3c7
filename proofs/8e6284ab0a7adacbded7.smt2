; corpus/history/2.6.22-i386/2.6.22-i386-read_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x345 (bvsub ESP (_ bv4 32))))
(let ((?x102 (bvadd ?x345 (_ bv4 32))))
(let (($x694 (and (distinct ?x102 ESP) true)))
(let (($x384 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x400 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x173 (= TF (_ bv0 1))))
(let (($x355 (= VM (_ bv0 1))))
(let (($x176 (= DF (_ bv0 1))))
(and $x176 $x355 $x173 $x400 (or $x384 $x694)))))))))))
(check-sat)
