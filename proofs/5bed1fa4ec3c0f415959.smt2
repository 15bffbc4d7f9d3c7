; corpus/history/2.6.22-i386/2.6.22-i386-read_cr2.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x367 (bvsub ESP (_ bv4 32))))
(let ((?x805 (bvadd ?x367 (_ bv4 32))))
(let (($x494 (and (distinct ?x805 ESP) true)))
(let (($x66 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x352 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x199 (= TF (_ bv0 1))))
(let (($x538 (= VM (_ bv0 1))))
(let (($x792 (= DF (_ bv0 1))))
(and $x792 $x538 $x199 $x352 (or $x66 $x494)))))))))))
(check-sat)
