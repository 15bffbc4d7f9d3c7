; corpus/history/2.6.22-i386/2.6.22-i386-read_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x245 (bvsub ESP (_ bv4 32))))
(let ((?x551 (bvadd ?x245 (_ bv4 32))))
(let (($x259 (and (distinct ?x551 ESP) true)))
(let (($x45 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x6 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x351 (= TF (_ bv0 1))))
(let (($x698 (= VM (_ bv0 1))))
(let (($x494 (= DF (_ bv0 1))))
(and $x494 $x698 $x351 $x6 (or $x45 $x259)))))))))))
(check-sat)
