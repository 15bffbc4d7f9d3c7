; corpus/history/2.6.22-i386/2.6.22-i386-pae-pte_val-nop.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x306 (bvsub ESP (_ bv4 32))))
(let ((?x412 (bvadd ?x306 (_ bv4 32))))
(let (($x384 (and (distinct ?x412 ESP) true)))
(let (($x200 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x320 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x102 (= TF (_ bv0 1))))
(let (($x23 (= VM (_ bv0 1))))
(let (($x510 (= DF (_ bv0 1))))
(and $x510 $x23 $x102 $x320 (or $x200 $x384)))))))))))
(check-sat)
