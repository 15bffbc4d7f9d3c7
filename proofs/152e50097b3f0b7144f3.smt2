; corpus/history/2.6.22-i386/2.6.22-i386-pae-pte_val-nop.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x98 (bvsub ESP (_ bv4 32))))
(let ((?x529 (bvadd ?x98 (_ bv4 32))))
(let (($x238 (and (distinct ?x529 ESP) true)))
(let (($x28 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x300 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x130 (= TF (_ bv0 1))))
(let (($x340 (= VM (_ bv0 1))))
(let (($x419 (= DF (_ bv0 1))))
(and $x419 $x340 $x130 $x300 (or $x28 $x238)))))))))))
(check-sat)
